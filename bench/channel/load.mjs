// `node load.mjs`: imports the channel package (CHANNEL_MODULE, or
// @gochan/channel) and nothing else, so that callgrind counts what loading
// it costs; `node load.mjs --empty` imports nothing, the count to take off.
// instructions.mjs counts both per build: the package's load is a constant
// in every workload's count, and the workload's count without it is the
// per-operation cost.
if (process.argv[2] !== '--empty') await import(process.env.CHANNEL_MODULE ?? '@gochan/channel');
