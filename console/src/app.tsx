import { useEffect } from "react";
import { Layout } from "./components/layout";
import { NavLink } from "./components/nav-link";
import { navigate, usePathname } from "./hooks/use-pathname";
import { useSession } from "./hooks/use-session";
import { LoginPage } from "./pages/login/login-page";
import { homePath, pages } from "./routes";

export function App() {
  const pathname = usePathname();
  const session = useSession();
  useEffect(() => {
    if (pathname === "/") navigate(homePath, { replace: true });
  }, [pathname]);

  // Signed out, the page asked for stays in the address bar and shows once signed in.
  if (session.status === "restoring") return <p className="muted content">Signing in…</p>;
  if (session.status === "signed-out") return <LoginPage notice={session.notice} />;

  const page = pages.find((p) => p.path === pathname);
  return (
    <Layout pages={pages} pathname={pathname} user={session.user}>
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
