/** A green or grey dot, with the word for screen readers. */
export function PresenceDot({ online }: { online: boolean }) {
  return (
    <span class={online ? "presence online" : "presence"}>
      <span class="dot" aria-hidden="true" />
      <span class="visually-hidden">{online ? " (online)" : " (offline)"}</span>
    </span>
  );
}
