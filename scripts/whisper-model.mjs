#!/usr/bin/env node
// npm run model -- <name> [--dir models] [--force] | --list
// Downloads a whisper.cpp ggml model for the transcription feature on a machine with internet,
// checks the checksum whisper.cpp publishes for it, and prints the WHISPER_MODEL=... line to set.
// For VinAI's PhoWhisper it prints the conversion steps. The logic is in whisper-model-core.mjs.
import { main } from './whisper-model-core.mjs';

process.exitCode = await main(process.argv.slice(2));
