// MQTT 3.1.1 statements the suites exercise on Mosquitto that no fault touches, each with the reason
// (test/mutation-faults.test.ts prints them and fails on an exercised, untouched statement without one).
export const UNTOUCHED_311: Readonly<Record<string, string>> = {
};
