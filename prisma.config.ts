import { defineConfig } from "prisma/config";

// DATABASE_URL is only read by `prisma migrate deploy` in production;
// the app itself connects through driver adapters (src/storage/database.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/conveyor" },
});
