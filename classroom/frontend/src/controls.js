// ipywidgets' controls, for the teacher's dashboard (fetched only there, with controls.css).
export * from '@jupyter-widgets/controls';
