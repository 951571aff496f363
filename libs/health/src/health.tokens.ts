/** The array of every `ReadinessCheck` the service registered with `HealthModule.forRoot`. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
