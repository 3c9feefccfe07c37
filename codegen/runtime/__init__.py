"""The small runtime every generated binding runs on: one operation model, three codecs."""
