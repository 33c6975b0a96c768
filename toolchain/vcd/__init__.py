"""Value Change Dumps: read one (`parse`) and draw it as an SVG waveform (`svg`)."""
