import { DeployModal } from "../features/deployments/deploy-modal";
import { ProfilesPage } from "../features/profiles/profiles-page";

/** The profiles page with the deployments feature's dialog: the app composes features, they never import each other. */
export function ProfilesTab() {
  return <ProfilesPage DeployModal={DeployModal} />;
}
