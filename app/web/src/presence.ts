import { useEffect, useState } from "preact/hooks";
import { api } from "./session";

const REFRESH_MS = 15_000;
const MAX_IDS = 100; // the most GET /v1/presence takes at once

/**
 * Who of `userIds` is online, refreshed every 15 s and whenever `resyncs` changes (the live
 * stream reconnected, say).
 */
export function usePresence(userIds: string[], resyncs: number): ReadonlySet<string> {
  const [online, setOnline] = useState<ReadonlySet<string>>(new Set());
  const key = [...new Set(userIds)].sort().slice(0, MAX_IDS).join(",");

  useEffect(() => {
    if (!key) return;
    let current = true;
    const load = async () => {
      const result = await api
        .GET("/v1/presence", { params: { query: { userIds: key.split(",") } } })
        .catch(() => undefined);
      if (current && result?.data)
        setOnline(new Set(result.data.presences.filter((p) => p.online).map((p) => p.userId)));
    };
    void load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [key, resyncs]);

  return online;
}
