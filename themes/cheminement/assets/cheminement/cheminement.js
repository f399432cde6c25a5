/* Cheminement: progressive enhancement only; every page reads and works without it. */
