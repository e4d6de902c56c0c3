import type { ReactNode } from "react";
import { session, type User } from "../auth/session";
import type { Page } from "../routes";
import { NavLink } from "./nav-link";

export function Layout({
  pages,
  pathname,
  user,
  children,
}: {
  pages: Page[];
  pathname: string;
  user: User;
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
        <div className="who" data-testid="signed-in-user">
          <span>{user.username}</span> <span className="role">{user.role}</span>
          <button type="button" className="btn btn-topbar" onClick={() => void session.logout()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
