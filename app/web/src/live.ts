import { NotificationStream, type NotificationStreamState, type Schemas } from "@parley/api-client";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./session";

export type Notification = Schemas["Notification"];
export type Connection = "connecting" | "connected" | "reconnecting" | "offline";

const RECONNECT_BACKOFF_MS = 500;

/**
 * Keeps the notification stream open while mounted and says how the connection is: the stream's
 * own state, or offline when the browser says so. `onOpen` runs each time the stream (re)opens, so
 * the caller can catch up on what the stream does not carry.
 */
export function useLiveNotifications(
  onNotification: (notification: Notification) => void,
  onOpen: () => void,
): Connection {
  const [stream, setStream] = useState<NotificationStreamState>("connecting");
  const [online, setOnline] = useState(navigator.onLine);
  const handlers = useRef({ onNotification, onOpen });
  handlers.current = { onNotification, onOpen };

  useEffect(() => {
    let state: NotificationStreamState = "connecting";
    const open = (lastEventId?: string) => {
      const notifications = new NotificationStream({
        baseUrl: "",
        session: api.session,
        backoffMs: RECONNECT_BACKOFF_MS,
        onNotification: (notification) => handlers.current.onNotification(notification),
        onState: (next) => {
          if (next === "closed") return; // closed by us: a replacement or the end of the page
          state = next;
          setStream(next);
          if (next === "open") handlers.current.onOpen();
        },
      });
      notifications.lastEventId = lastEventId;
      void notifications.run();
      return notifications;
    };
    let notifications = open();
    const wentOffline = () => setOnline(false);
    // Back online, reconnect now rather than when the backoff, up to 30 s, runs out; resuming
    // after the last notification received.
    const cameOnline = () => {
      setOnline(true);
      if (state === "open") return;
      notifications.close();
      notifications = open(notifications.lastEventId);
    };
    window.addEventListener("offline", wentOffline);
    window.addEventListener("online", cameOnline);
    return () => {
      window.removeEventListener("offline", wentOffline);
      window.removeEventListener("online", cameOnline);
      notifications.close();
    };
  }, []);

  if (!online) return "offline";
  return stream === "open" ? "connected" : stream === "reconnecting" ? "reconnecting" : "connecting";
}
