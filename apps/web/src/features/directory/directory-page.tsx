import { tabByPath } from "../../app/tabs";
import { ComingSoon } from "../../ui/coming-soon";

export function DirectoryPage() {
  const tab = tabByPath("/directory");
  return (
    <ComingSoon
      icon={tab.icon}
      title={tab.label}
      description="Manage company-wide contacts: name, work, mobile and home numbers, email, department, location, building and ringtone."
    />
  );
}
