export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (d: Date): string => d.toISOString();
export const addSeconds = (d: Date, s: number): Date => new Date(d.getTime() + s * 1000);
