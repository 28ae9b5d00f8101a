export { getActiveModelQuality, getDashboardActivity, getDashboardTrends } from "./dashboard";
export { agreementOf } from "./peer-agreement";
