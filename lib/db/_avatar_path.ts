/** Where avatars are served; apart from users.ts so channel reads can name them without a cycle. */

/** The path an avatar version is served at; a new version gets a new path. */
export function avatarPath(userId: string, version: number): string {
  return `/avatars/${userId}/${version}`;
}
