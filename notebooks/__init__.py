"""The bundled lesson and contest notebooks (nbgrader source form), shipped as package data."""
