import type { Connection } from "../live";

const words: Record<Connection, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export function ConnectionStatus({ connection }: { connection: Connection }) {
  return (
    <p role="status" class={`connection ${connection}`}>
      <span class="dot" aria-hidden="true" />
      {words[connection]}
    </p>
  );
}
