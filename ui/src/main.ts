import '@fontsource-variable/inter/wght.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { installBackend } from './backend';

installBackend().then(() => {
  mount(App, { target: document.getElementById('app')! });
});
