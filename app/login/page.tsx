import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCaller } from "@/server/http/rsc";
import { safeNextPath } from "@/app/_lib/safe-next";
import { LoginForm } from "./_components/login-form";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNextPath((await searchParams).next);
  // Already signed in: go straight on.
  const caller = await getCaller();
  const me = await caller.auth.me().catch(() => null);
  if (me) redirect(next);

  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <svg viewBox="0 0 20 20" className="size-8 text-accent" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
            <path d="M12.8 12.8 17 17" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
          </svg>
          <h1 className="mt-3 text-xl font-semibold tracking-tight">Log in to Loupe</h1>
          <p className="mt-1 text-sm text-muted">Accounts are created by an administrator.</p>
        </div>
        <div className="rounded-lg border border-line bg-surface p-6 shadow-sm">
          <LoginForm next={next} />
        </div>
      </div>
    </main>
  );
}
