import { config } from './config';
import { createApp } from './app';

const app = createApp();

app.listen(config.port, () => {
  console.log(`Larkspur shop API listening on port ${config.port} (${config.env})`);
});
