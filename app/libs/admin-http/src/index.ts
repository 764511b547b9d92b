export {
  createAdminServer,
  type AdminServer,
  type AdminServerOptions,
  type ReadinessCheck,
} from "./admin-server";
