import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { getCaller, requireMe, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { UsersManager } from "./_components/users-manager";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const { user } = await requireMe();
  // An HTTP 403 with ../../forbidden.tsx.
  if (!user.isAdmin) forbidden();
  const caller = await getCaller();
  const first = await settle(caller.users.list({ limit: 100 }));
  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts on this Loupe instance. There is no self sign-up: people get an account here, then a role in a project."
      />
      {first.ok ? (
        <UsersManager currentUserId={user.id} initialPage={first.data} />
      ) : (
        <Alert tone="danger">{first.message}</Alert>
      )}
    </>
  );
}
