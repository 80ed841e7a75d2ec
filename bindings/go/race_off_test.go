//go:build !race

package tacc

const raceEnabled = false
