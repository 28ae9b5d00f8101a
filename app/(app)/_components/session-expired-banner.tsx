"use client";
import { useSyncExternalStore } from "react";
import { usePathname, useSearchParams } from "next/navigation";
import { isSessionExpired, subscribeSessionExpired } from "@/app/_lib/session-expiry";
import { loginHref } from "@/app/_lib/safe-next";

/**
 * When a call comes back UNAUTHORIZED the page stays as it is (drafts survive);
 * this banner offers a login in a new tab, after which work can continue here.
 */
export function SessionExpiredBanner() {
  const expired = useSyncExternalStore(subscribeSessionExpired, isSessionExpired, () => false);
  const pathname = usePathname();
  const search = useSearchParams();
  if (!expired) return null;
  const here = `${pathname}${search.size ? `?${search.toString()}` : ""}`;
  return (
    <div role="alert" className="border-b border-warn/30 bg-warn-soft">
      <div className="mx-auto flex max-w-7xl items-center gap-3 px-4 py-2 text-sm">
        <span className="font-medium">Your session has ended.</span>
        <span className="text-muted">Your work on this page is kept. Log in again to continue.</span>
        <a
          href={loginHref(here)}
          target="_blank"
          rel="noopener"
          className="ml-auto font-medium text-accent hover:underline"
        >
          Log in in a new tab
        </a>
      </div>
    </div>
  );
}
