import type { ReactNode } from "react";
import { BreakersPage } from "./pages/breakers/breakers-page";
import { InstancesPage } from "./pages/instances/instances-page";
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
];

export const homePath = "/services";
