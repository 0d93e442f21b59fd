// Package stats holds the numbers behind a replay: Wilson score intervals,
// how many runs a claim needs, a sequential probability ratio test to stop a
// replay as soon as the answer is clear, the run summary, and the model of the
// failure rate a topology should produce.
package stats
