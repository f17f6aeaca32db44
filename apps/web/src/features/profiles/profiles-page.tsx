import { tabByPath } from "../../app/tabs";
import { ComingSoon } from "../../ui/coming-soon";

export function ProfilesPage() {
  const tab = tabByPath("/profiles");
  return (
    <ComingSoon
      icon={tab.icon}
      title={tab.label}
      description="Create and manage phone profiles (SEP XML configs). Each profile belongs to a user and can be restricted by compatible models (e.g. 8845, 8851) and software type (SCCP, SIP or SIPE; empty = all)."
      planned={[
        "Deploy: select a profile, choose a compatible phone, and deploy.",
        "The server backs up the existing SEP<MAC>.cnf.xml via FTP rename and uploads the new config.",
        "It restarts the phone (SIP NOTIFY for SIP/SIPE, CGI for SCCP).",
        "It clears the phone's service session, so the next visit to the phone service asks for a login.",
      ]}
    />
  );
}
