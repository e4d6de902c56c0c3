import { useEffect } from "react";
import { Layout } from "./components/layout";
import { NavLink } from "./components/nav-link";
import { navigate, usePathname } from "./hooks/use-pathname";
import { homePath, pages } from "./routes";

export function App() {
  const pathname = usePathname();
  useEffect(() => {
    if (pathname === "/") navigate(homePath, { replace: true });
  }, [pathname]);

  const page = pages.find((p) => p.path === pathname);
  return (
    <Layout pages={pages} pathname={pathname}>
      {page ? page.render() : pathname === "/" ? null : <NotFound pathname={pathname} />}
    </Layout>
  );
}

function NotFound({ pathname }: { pathname: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        The console has no page at <code>{pathname}</code>.{" "}
        <NavLink to={homePath} current={false}>
          Go to Services
        </NavLink>
        .
      </p>
    </section>
  );
}
