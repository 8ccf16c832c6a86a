//go:build race

package server

// raceEnabled: under the race detector the server runs several times
// slower; the browser walk (its requests are covered by the API and load
// tests, which do run with it) is left to the plain run.
const raceEnabled = true
