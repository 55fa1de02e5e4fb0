// The styles of the Vant components in use only (Vant's whole stylesheet blocked the first paint):
// add a line here when a page starts using another Vant component.
import 'vant/es/button/style/index.mjs';
import 'vant/es/loading/style/index.mjs';
import 'vant/es/tag/style/index.mjs';
import './styles.css';

import { createApp } from 'vue';

import App from './App.vue';
import { router } from './router';

createApp(App).use(router).mount('#app');
