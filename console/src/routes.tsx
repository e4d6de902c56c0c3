import type { ReactNode } from "react";
import { ServicesPage } from "./pages/services/services-page";

export interface Page {
  path: string;
  label: string;
  render: () => ReactNode;
}

/** The console's pages, in navigation order. A page is listed here once it works. */
export const pages: Page[] = [{ path: "/services", label: "Services", render: () => <ServicesPage /> }];

export const homePath = "/services";
