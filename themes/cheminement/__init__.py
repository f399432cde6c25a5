"""Templates and CSS that the plugin adds to the theme; a package so that it ships in the wheel."""
