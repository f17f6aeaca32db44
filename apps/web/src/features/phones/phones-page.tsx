import { tabByPath } from "../../app/tabs";
import { ComingSoon } from "../../ui/coming-soon";

export function PhonesPage() {
  const tab = tabByPath("/phones");
  return (
    <ComingSoon
      icon={tab.icon}
      title={tab.label}
      description="The phone inventory: every registered Cisco phone with its current profile and attached Key Expansion Modules."
      planned={[
        "Inventory table: MAC address, model (e.g. 8845, 7960), software (SCCP, SIP or SIPE), current profile (or “None”), IP address, number of KEMs.",
        "Per phone: view its config, edit its KEMs, edit, delete.",
        "Create and edit a phone: MAC, model, IP, location and software type (SIP, SCCP or SIPE).",
        "KEM editor: attach Cisco Key Expansion Modules (KEM-30, KEM-80) to a phone by MAC.",
      ]}
    />
  );
}
