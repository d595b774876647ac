// Sessions live in the DB (any number of app instances can share them); the cookie carries
// only the signed session id.
import crypto from "node:crypto";
import { createCookie, createSessionStorage, type Session } from "@remix-run/node";
import { Op } from "sequelize";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { singleton } from "./singleton.server";

export const SESSION_MAX_AGE = 60 * 60 * 8; // 8 hours, a working day

function storage() {
  return singleton("session.storage", () => {
    const env = getEnv();
    const cookie = createCookie("__zcps", {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secrets: env.sessionSecrets,
      maxAge: SESSION_MAX_AGE,
    });
    const model = () => getDb().models.Session;
    return createSessionStorage({
      cookie,
      async createData(data, expires) {
        const id = crypto.randomBytes(24).toString("base64url");
        await model().create({ id, data, expiresAt: expires ?? null, userId: (data.userId as number) ?? null });
        return id;
      },
      async readData(id) {
        const row = await model().findByPk(id);
        if (!row) return null;
        if (row.expiresAt && row.expiresAt.getTime() < Date.now()) {
          await row.destroy();
          return null;
        }
        return row.data;
      },
      async updateData(id, data, expires) {
        await model().update({ data, expiresAt: expires ?? null, userId: (data.userId as number) ?? null }, { where: { id } });
      },
      async deleteData(id) {
        await model().destroy({ where: { id } });
      },
    });
  });
}

/** Cookies get Secure when the request came over https (directly or via a proxy). */
function cookieOptions(request: Request) {
  return { secure: new URL(request.url).protocol === "https:" };
}

export function getSession(request: Request) {
  return storage().getSession(request.headers.get("Cookie"));
}

export function commitSession(request: Request, session: Session) {
  return storage().commitSession(session, cookieOptions(request));
}

export function destroySession(request: Request, session: Session) {
  return storage().destroySession(session, cookieOptions(request));
}

/** A brand-new session (new id); the old one, if any, is deleted. Used at login. */
export async function regenerateSession(request: Request) {
  const old = await getSession(request);
  if (old.id) await storage().destroySession(old);
  return storage().getSession(null);
}

export async function purgeExpiredSessions() {
  await getDb().models.Session.destroy({ where: { expiresAt: { [Op.lt]: new Date() } } });
}
