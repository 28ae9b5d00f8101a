import { Suspense, type ReactNode } from "react";
import Link from "next/link";
import { requireMe } from "@/server/http/rsc";
import { UserMenu } from "./_components/user-menu";
import { SessionExpiredBanner } from "./_components/session-expired-banner";

/** Every page in this group needs a session: no session → /login?next=… (see requireMe). */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const { user } = await requireMe();
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-1.5"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-line bg-surface/95 backdrop-blur">
        <div className="mx-auto flex h-12 max-w-7xl items-center gap-4 px-4">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
            <LogoMark />
            Loupe
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            <Link href="/" className="rounded px-2 py-1 text-muted hover:bg-canvas hover:text-ink">
              Projects
            </Link>
            <Link href="/account/tokens" className="rounded px-2 py-1 text-muted hover:bg-canvas hover:text-ink">
              API tokens
            </Link>
            <Link href="/account" className="rounded px-2 py-1 text-muted hover:bg-canvas hover:text-ink">
              Account
            </Link>
            {user.isAdmin ? (
              <Link href="/admin/users" className="rounded px-2 py-1 text-muted hover:bg-canvas hover:text-ink">
                Users
              </Link>
            ) : null}
          </nav>
          <div className="ml-auto">
            <UserMenu name={user.name} email={user.email} isAdmin={user.isAdmin} />
          </div>
        </div>
      </header>
      <Suspense fallback={null}>
        <SessionExpiredBanner />
      </Suspense>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}

function LogoMark() {
  return (
    <svg viewBox="0 0 20 20" className="size-5 text-accent" aria-hidden="true">
      <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
      <path d="M12.8 12.8 17 17" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
    </svg>
  );
}
