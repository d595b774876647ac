// Labels of the identity providers, shared by server and pages.

/** The province's identity service as applicants know it (its button and messages). */
export const TICKET_SERVICE_LABEL = "浙江政务服务网";
