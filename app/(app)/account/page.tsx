import type { Metadata } from "next";
import Link from "next/link";
import { requireMe } from "@/server/http/rsc";
import { PageHeader } from "@/app/_components/ui/page-header";
import { ChangePasswordForm } from "./_components/change-password-form";
import { LogOutEverywhere } from "./_components/log-out-everywhere";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const { user } = await requireMe();
  return (
    <>
      <PageHeader
        title="Account"
        description={`Signed in as ${user.email}. API tokens for pipelines are on their own page.`}
        actions={
          <Link href="/account/tokens" className="text-sm text-accent hover:underline">
            API tokens
          </Link>
        }
      />
      <div className="grid gap-4 md:grid-cols-2">
        <ChangePasswordForm />
        <LogOutEverywhere />
      </div>
    </>
  );
}
