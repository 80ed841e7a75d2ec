//go:build race

package tacc

// raceEnabled: the race detector's own memory use makes RSS bounds and RLIMIT_AS meaningless.
const raceEnabled = true
