// Who the caller is: the dashboard shows only the controls its token's scopes allow.
import { can } from "../auth/principal.js";
import { builder } from "../builder.js";

interface ViewerShape {
  name: string;
  read: boolean;
  write: boolean;
}

const ViewerRef = builder.objectRef<ViewerShape>("Viewer").implement({
  description: "The principal of the request: its token's name and what it may do",
  fields: (t) => ({
    name: t.exposeString("name", { description: '"local" on a server without tokens' }),
    canRead: t.exposeBoolean("read", { description: "Queries and subscriptions" }),
    canWrite: t.exposeBoolean("write", { description: "Mutations: start, pause, resume, cancel, checkpoint, retry, mark" }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: ViewerRef,
    resolve: (_r, _a, ctx) => ({ name: ctx.principal.name, read: can(ctx.principal, "read"), write: can(ctx.principal, "write") }),
  }),
);
