import {
  IconAddressBook,
  IconApps,
  IconCpu,
  IconRouter,
  IconDeviceLandlinePhone,
  IconFileSettings,
  IconFolder,
  IconGauge,
  IconHash,
  IconKey,
  IconShieldLock,
  IconUsers,
  type Icon,
} from "@tabler/icons-react";
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export interface ConsoleTab {
  /** Route of the tab; the page also owns everything below it (`/phones/…`). */
  path: string;
  label: string;
  icon: Icon;
  /** Loaded on first visit, so each tab is its own chunk. */
  page: LazyExoticComponent<ComponentType>;
}

/** Each feature exports its page by name; React.lazy wants a default export. */
function lazyPage<M>(load: () => Promise<M>, name: keyof M): LazyExoticComponent<ComponentType> {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

/**
 * The console's tabs, in display order. To add a module: create `src/features/<module>/` and
 * point its entry here; routes, navigation and the dashboard links follow from this list.
 */
export const tabs: readonly ConsoleTab[] = [
  {
    path: "/dashboard",
    label: "Dashboard",
    icon: IconGauge,
    page: lazyPage(() => import("../features/dashboard/dashboard-page"), "DashboardPage"),
  },
  {
    path: "/users",
    label: "Users",
    icon: IconUsers,
    page: lazyPage(() => import("../features/users/users-page"), "UsersPage"),
  },
  {
    path: "/extensions",
    label: "Extensions",
    icon: IconHash,
    page: lazyPage(() => import("../features/extensions/extensions-page"), "ExtensionsPage"),
  },
  {
    path: "/phones",
    label: "Phones",
    icon: IconDeviceLandlinePhone,
    page: lazyPage(() => import("../features/phones/phones-page"), "PhonesPage"),
  },
  {
    path: "/endpoints",
    label: "Endpoint Manager",
    icon: IconRouter,
    page: lazyPage(() => import("../features/endpoints/endpoints-page"), "EndpointsPage"),
  },
  {
    path: "/profiles",
    label: "Profiles",
    icon: IconFileSettings,
    page: lazyPage(() => import("./profiles-tab"), "ProfilesTab"),
  },
  {
    path: "/directory",
    label: "Corporate Directory",
    icon: IconAddressBook,
    page: lazyPage(() => import("../features/directory/directory-page"), "DirectoryPage"),
  },
  {
    path: "/services",
    label: "Services",
    icon: IconApps,
    page: lazyPage(() => import("../features/services/services-page"), "ServicesPage"),
  },
  {
    path: "/firmware",
    label: "Firmware",
    icon: IconCpu,
    page: lazyPage(() => import("../features/firmware/firmware-page"), "FirmwarePage"),
  },
  {
    path: "/files",
    label: "Files",
    icon: IconFolder,
    page: lazyPage(() => import("../features/files/files-page"), "FilesPage"),
  },
  {
    path: "/api-keys",
    label: "API keys",
    icon: IconKey,
    page: lazyPage(() => import("../features/api-keys/api-keys-page"), "ApiKeysPage"),
  },
  {
    path: "/security",
    label: "Security",
    icon: IconShieldLock,
    page: lazyPage(() => import("../features/security/security-page"), "SecurityPage"),
  },
];

export const DEFAULT_TAB_PATH = "/dashboard";

/** The tab a location belongs to: `/users?page=2` and `/phones/abc` both select their tab. */
export function tabOf(pathname: string): ConsoleTab | undefined {
  return tabs.find((tab) => pathname === tab.path || pathname.startsWith(`${tab.path}/`));
}

export function tabByPath(path: string): ConsoleTab {
  const tab = tabs.find((t) => t.path === path);
  if (!tab) throw new Error(`no tab ${path}`);
  return tab;
}
