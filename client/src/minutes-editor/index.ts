export { MinutesEditor, type MinutesEditorProps } from './minutes-editor.tsx';
export { MinutesProvider, type ProviderState } from './minutes-provider.ts';
