// The MQTT 5.0 statements the suites exercise on Mosquitto that no v5 fault breaks, each with the
// reason (test/mutation-v5.test.ts prints them and fails on one without a reason).
export const UNTOUCHED_V5: Readonly<Record<string, string>> = {
};
