/** `project list`, `project create`. */
import { type Command, requireStr, str } from "./command";

export const projectCommands: Command[] = [
  {
    name: "project list",
    usage: "project list",
    run: async ({ t, out }) => {
      const rows = await t.listProjects();
      out.result(rows, rows.length === 0 ? "no projects" : rows.map((p) => `${p.id}\t${p.slug}\t${p.role}\t${p.name}`));
    },
  },
  {
    name: "project create",
    usage: 'project create --slug SLUG --name "Name" [--description TEXT]',
    options: { slug: { type: "string" }, name: { type: "string" }, description: { type: "string" } },
    run: async ({ t, values, out }) => {
      const made = await t.createProject({
        slug: requireStr(values, "slug"),
        name: requireStr(values, "name"),
        description: str(values, "description") ?? "",
      });
      out.result(made, `created project #${made.id} ${made.slug} ("${made.name}")`);
    },
  },
];
