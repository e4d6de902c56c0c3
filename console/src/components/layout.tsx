import type { ReactNode } from "react";
import type { Page } from "../routes";
import { NavLink } from "./nav-link";

export function Layout({
  pages,
  pathname,
  children,
}: {
  pages: Page[];
  pathname: string;
  children: ReactNode;
}) {
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Diana</span>
        <nav aria-label="Main">
          <ul>
            {pages.map((page) => (
              <li key={page.path}>
                <NavLink to={page.path} current={page.path === pathname}>
                  {page.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
