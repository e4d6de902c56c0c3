import type { MouseEvent, ReactNode } from "react";
import { navigate } from "../hooks/use-pathname";

/** An ordinary link that switches pages without a reload (modified clicks still open new tabs). */
export function NavLink({ to, current, children }: { to: string; current: boolean; children: ReactNode }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} aria-current={current ? "page" : undefined}>
      {children}
    </a>
  );
}
