import { tabByPath } from "../../app/tabs";
import { ComingSoon } from "../../ui/coming-soon";

export function ServicesPage() {
  const tab = tabByPath("/services");
  return (
    <ComingSoon
      icon={tab.icon}
      title={tab.label}
      description="Manage Cisco XML service definitions (directory URLs, etc.)."
    />
  );
}
