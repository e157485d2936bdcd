import type { Repos } from "../db/repos.ts";
import type { UserRow } from "../db/users-repo.ts";

/**
 * A `<user>` in admin commands: the id shown by /id (`U…`), `tg:<telegram id>` or `wa:<phone>`
 * (or `wa:<lid>@lid`). Exact matches only.
 */
export function resolveUserArg(repos: Repos, arg: string | undefined): UserRow | undefined {
  if (arg === undefined) return undefined;
  const text = arg.trim();
  const tg = /^tg:(\d{1,20})$/i.exec(text);
  if (tg) return repos.users.findByIdentity("telegram", tg[1]!);
  const wa = /^wa:\+?(\d{6,20})(@lid)?$/i.exec(text);
  if (wa) return repos.users.findByIdentity("whatsapp", wa[2] ? `${wa[1]}@lid` : `${wa[1]}@s.whatsapp.net`);
  if (/^console$/i.test(text)) return repos.users.findByIdentity("console", "console");
  if (/^U[0-9A-Z]{7}$/i.test(text)) return repos.users.findByPublicId(text);
  return undefined;
}
