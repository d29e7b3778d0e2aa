"""Read policy files, parse them into numbered paragraphs, chunk, embed and index them."""
