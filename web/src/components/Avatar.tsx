import { initials } from '../chat/logic.js';

export function Avatar({ name, online }: { name: string; online?: boolean }) {
  return (
    <span className="avatar" aria-hidden="true">
      {initials(name)}
      {online !== undefined && <span className={online ? 'dot online' : 'dot'} />}
    </span>
  );
}
