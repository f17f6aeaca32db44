import { tabByPath } from "../../app/tabs";
import { ComingSoon } from "../../ui/coming-soon";

export function ExtensionsPage() {
  const tab = tabByPath("/extensions");
  return (
    <ComingSoon
      icon={tab.icon}
      title={tab.label}
      description="Manage Asterisk extensions (SCCP, SIP, PJSIP) linked to users."
    />
  );
}
