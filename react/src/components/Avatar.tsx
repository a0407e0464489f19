import { initials } from '../chat/format.js';

/** A person's initials in a circle, with a presence dot when whether they are online is known. */
export function Avatar({ name, online }: { name: string; online?: boolean }) {
  return (
    <span className="avatar" aria-hidden="true">
      {initials(name)}
      {online !== undefined && <span className={online ? 'dot online' : 'dot'} />}
    </span>
  );
}
