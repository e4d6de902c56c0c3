import type { ReactNode } from "react";
import { BreakersPage } from "./pages/breakers/breakers-page";
import { ConfigPage } from "./pages/config/config-page";
import { InstancesPage } from "./pages/instances/instances-page";
import { JournalPage } from "./pages/journal/journal-page";
import { MessagingPage } from "./pages/messaging/messaging-page";
import { ServicesPage } from "./pages/services/services-page";

export interface Page {
  path: string;
  label: string;
  render: () => ReactNode;
}

/** The console's pages, in navigation order. A page is listed here once it works. */
export const pages: Page[] = [
  { path: "/services", label: "Services", render: () => <ServicesPage /> },
  { path: "/instances", label: "Instances", render: () => <InstancesPage /> },
  { path: "/breakers", label: "Breakers", render: () => <BreakersPage /> },
  { path: "/messaging", label: "Messaging", render: () => <MessagingPage /> },
  { path: "/config", label: "Config", render: () => <ConfigPage /> },
  { path: "/journal", label: "Journal", render: () => <JournalPage /> },
];

export const homePath = "/services";
